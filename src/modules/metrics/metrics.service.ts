import { Inject, Injectable, Optional } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** What vigil_build_info reports; read from the installation by metrics.module.ts (the adapter stays out of the service). */
export interface BuildLabels {
  readonly version: string;
  readonly revision: string;
}
export const BUILD_INFO = Symbol('BUILD_INFO');

/**
 * Vigil's own metrics, in a registry per app instance (not prom-client's global one) so two
 * apps in one process, as in tests, do not collide on metric names.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  private readonly slosLoaded = new Gauge({ name: 'vigil_slos_loaded', help: 'SLOs in the specs loaded at the last generation', registers: [this.registry] });
  private readonly specProblems = new Gauge({ name: 'vigil_spec_problems', help: 'Problems found in the specs at the last generation (0 means rules were written)', registers: [this.registry] });
  private readonly lastLoad = new Gauge({ name: 'vigil_specs_last_load_timestamp_seconds', help: 'When the specs were last loaded', registers: [this.registry] });
  private readonly requests = new Counter({
    name: 'vigil_http_requests_total',
    help: 'HTTP requests served, by route template (not raw path, to bound cardinality)',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  private readonly duration = new Histogram({
    name: 'vigil_http_request_duration_seconds',
    help: 'HTTP request duration',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  constructor(@Optional() @Inject(BUILD_INFO) build: BuildLabels = { version: 'unknown', revision: 'unknown' }) {
    collectDefaultMetrics({ register: this.registry });
    // Gauges named like counters, which `promtool check metrics` refuses; each is the sum over
    // `type` of the gauge without the suffix (nodejs_active_handles{type} …), kept.
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) this.registry.removeSingleMetric(name);
    // The usual *_build_info convention: join it on `instance` to see which version a series came from.
    const info = new Gauge({ name: 'vigil_build_info', help: 'Always 1: the version and git revision this replica runs, as labels', labelNames: ['version', 'revision'] as const, registers: [this.registry] });
    info.set({ version: build.version, revision: build.revision }, 1);
  }

  recordSpecLoad(slos: number, problems: number, at: Date): void {
    this.slosLoaded.set(slos);
    this.specProblems.set(problems);
    this.lastLoad.set(at.getTime() / 1000);
  }

  observeRequest(method: string, route: string, status: number, seconds: number): void {
    const labels = { method, route, status: String(status) };
    this.requests.inc(labels);
    this.duration.observe(labels, seconds);
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
