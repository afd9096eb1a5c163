import { Module } from '@nestjs/common';
import { PersistenceModule } from '../../persistence/persistence.module.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { SloModule } from '../slo/slo.module.js';
import { WebhooksModule } from '../webhooks/webhooks.module.js';
import { BudgetController } from './budget.controller.js';
import { BudgetMetrics } from './budget-metrics.js';
import { BudgetService } from './budget.service.js';
import { ReportController } from './report.controller.js';

/** Error budgets: the scheduled cycle, its gauges, the budget and history API, monthly reports. */
@Module({
  imports: [PersistenceModule, MetricsModule, SloModule, WebhooksModule],
  controllers: [BudgetController, ReportController],
  providers: [BudgetService, BudgetMetrics],
  exports: [BudgetService],
})
export class BudgetModule {}
