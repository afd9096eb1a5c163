import { templateAsText } from './service-dashboard.js';

describe('alert summaries in panel descriptions', () => {
  it.each([
    ['Redis {{ $labels.instance }} memory above 90 %', 'Redis <instance> memory above 90 %'],
    ['{{$labels.job}} down', '<job> down'],
    ['error ratio {{ $value | humanizePercentage }}', 'error ratio <value>'],
    ['on {{ index $labels "pod" }}', 'on <pod>'],
    ['{{- if gt $value 1.0 }}many{{ end -}}', '…many…'],
    ['no template at all', 'no template at all'],
  ])('%s → %s', (summary, shown) => {
    expect(templateAsText(summary)).toBe(shown);
  });
});

