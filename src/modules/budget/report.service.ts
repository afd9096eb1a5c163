import { Injectable } from '@nestjs/common';
import { Clock } from '../../core/ports/clock.js';
import { BudgetRepository } from '../../persistence/budget.repository.js';
import { renderMonthlyReport, ReportMonthError, type RenderedReport } from '../../usecases/monthly-report.js';
import { badRequest } from '../http/zod.pipe.js';
import { SloService } from '../slo/slo.service.js';
import type { ReportQuery } from './budget.dto.js';

@Injectable()
export class ReportService {
  constructor(
    private readonly repo: BudgetRepository,
    private readonly slos: SloService,
    private readonly clock: Clock,
  ) {}

  async monthly(q: ReportQuery): Promise<RenderedReport> {
    try {
      return await renderMonthlyReport({ month: q.month, format: q.format, now: this.clock.now() }, this.slos.slos(), (from, to) => this.repo.days(from, to));
    } catch (err) {
      if (err instanceof ReportMonthError) throw badRequest(`invalid query: ${err.message}`, [{ path: 'month', message: err.message }]);
      throw err;
    }
  }
}
