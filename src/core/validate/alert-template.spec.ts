import { templateProblem } from './alert-template.js';

// Valid: from Prometheus's template examples and reference, and the shapes Vigil's own alerts use.
it.each([
  'plain text, no actions',
  'Instance {{$labels.instance}} down',
  '{{ $labels.instance }} of job {{ $labels.job }} has been down',
  '{{ $value | humanizePercentage }} of requests failed',
  '{{ humanize $value }} keys/s',
  '{{- $labels.pod -}} restarted',
  '{{ printf "%.2f" $value }}',
  '{{ if gt $value 1.0 }}high{{ else if lt $value 0.5 }}low{{ else }}ok{{ end }}',
  '{{ range query "up" }}{{ .Labels.instance }} {{ .Value }}{{ end }}',
  '{{ with query "some_metric{instance=\'x\'}" }}{{ . | first | value | humanize }}{{ end }}',
  '{{ $x := 5 }}{{ $x }}',
  '{{ range $i, $v := $labels }}{{ $i }}={{ $v }}{{ end }}',
  '{{ (index (query "up") 0).Labels.job }}',
  '{{/* a comment */}}text',
  '{{ $externalURL }}/graph and {{ $externalLabels.cluster }}',
  '{{ 1e3 }} {{ -1 }} {{ 0x1F }} {{ .5 }}',
  'a }} stray close is text',
])('parses: %s', (t) => {
  expect(templateProblem(t)).toBeUndefined();
});

// Invalid: each is what promtool 2.42 refuses (Go text/template parse errors).
it.each([
  ['Pod {{ $Retentionlabels.pod }} down', 'undefined variable "$Retentionlabels"', 8],
  ['Queue {{ $labels.key99.9999999999999999 }}', 'unexpected ".9999999999999999" in operand', 23],
  ['{{ $labels.instance', 'unclosed action', 1],
  ['{{ }}', 'missing value for command', 1],
  ['{{ humanise $value }}', 'function "humanise" not defined', 4],
  ['{{ if $value }}x', '{{if}} has no matching {{end}}', 1],
  ['x{{ end }}', 'unexpected {{end}}', 2],
  ['{{ else }}', 'unexpected {{else}}', 1],
  ['{{ "unterminated }}', 'unterminated quoted string', 4],
  ['{{ $value - 1 }}', 'bad number syntax: "-"', 11],
  ['{{ 1abc }}', 'bad number syntax: "1abc"', 4],
  ['{{ $value | }}', 'missing command after |', 11],
  ['{{ $value # }}', 'unrecognized character in action: "#"', 11],
  ['{{/* open comment', 'unclosed comment', 1],
  ['{{ len(.x) }}', 'unexpected "(" in operand', 7],
])('refuses %s: %s', (t, message, column) => {
  expect(templateProblem(t)).toEqual({ message, offset: column - 1 });
});
