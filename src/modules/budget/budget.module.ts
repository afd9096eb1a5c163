import { Module } from '@nestjs/common';
import { PrometheusClient } from '../../adapters/prometheus/prometheus.client.js';
import { VIGIL_CONFIG, type VigilConfig } from '../../config/config.js';
import { MetricsQuery } from '../../core/ports/metrics-query.js';
import { PersistenceModule } from '../../persistence/persistence.module.js';
import { JobsModule } from '../jobs/jobs.module.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { SloModule } from '../slo/slo.module.js';
import { WebhooksModule } from '../webhooks/webhooks.module.js';
import { BudgetController } from './budget.controller.js';
import { BudgetCycleService } from './budget-cycle.service.js';
import { BudgetMetrics } from './budget-metrics.js';
import { BudgetService } from './budget.service.js';
import { ReportController } from './report.controller.js';
import { ReportService } from './report.service.js';

/** Without PROMETHEUS_URL there is nothing to query: the port is bound to nothing and budgets are off. */
function prometheus(config: VigilConfig): MetricsQuery | undefined {
  return config.prometheusUrl ? new PrometheusClient(config.prometheusUrl, { timeoutMs: config.prometheusTimeoutSeconds * 1000, auth: config.prometheusAuth }) : undefined;
}

/** Error budgets: the scheduled cycle, its gauges, the budget and history API, monthly reports. */
@Module({
  imports: [PersistenceModule, MetricsModule, SloModule, WebhooksModule, JobsModule],
  controllers: [BudgetController, ReportController],
  providers: [{ provide: MetricsQuery, inject: [VIGIL_CONFIG], useFactory: prometheus }, BudgetCycleService, BudgetService, BudgetMetrics, ReportService],
})
export class BudgetModule {}
