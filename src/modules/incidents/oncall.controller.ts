import { Body, Controller, Get, HttpCode, NotFoundException, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Clock } from '../../core/ports/clock.js';
import { RequirePermission } from '../auth/auth.decorators.js';
import { errorDtoSchema, instantSchema, openApi, ZodPipe } from '../http/zod.pipe.js';
import { OnCallSpecService } from './oncall-spec.service.js';
import { routeTestSchema } from './incidents.dto.js';
import { testRoute } from '../../usecases/route-test.js';
import { whoIsOnCall } from '../../usecases/who-is-on-call.js';

const ERROR = openApi(errorDtoSchema);
const oncallQuerySchema = z.strictObject({ schedule: z.string().min(1).max(200).optional(), at: instantSchema.optional() });

@ApiTags('on-call')
@Controller('api')
export class OnCallController {
  constructor(
    private readonly oncall: OnCallSpecService,
    private readonly clock: Clock,
  ) {}

  @Get('oncall')
  @RequirePermission('read')
  @ApiOperation({ summary: 'Who is on call for a schedule (or every schedule) at a time, the current shift and the next hand-offs' })
  @ApiQuery({ name: 'schedule', required: false, description: 'Schedule name; all schedules when absent' })
  @ApiQuery({ name: 'at', required: false, description: 'RFC 3339 or epoch seconds; now when absent' })
  @ApiResponse({ status: 200, description: 'On call' })
  @ApiResponse({ status: 404, description: 'No such schedule', schema: ERROR })
  oncallNow(@Query(new ZodPipe(oncallQuerySchema, 'query')) q: z.output<typeof oncallQuerySchema>) {
    const spec = this.oncall.current();
    const at = q.at ?? this.clock.now();
    if (q.schedule && !spec.schedules.some((s) => s.name === q.schedule)) {
      throw new NotFoundException({ statusCode: 404, error: 'Not Found', message: `no schedule "${q.schedule}"; schedules: ${spec.schedules.map((s) => s.name).join(', ') || 'none'}` });
    }
    const names = q.schedule ? [q.schedule] : spec.schedules.map((s) => s.name);
    const schedules = names.map((name) => whoIsOnCall(spec, name, at));
    return q.schedule ? schedules[0] : { at: at.toISOString(), schedules };
  }

  @Post('routes/test')
  @RequirePermission('read')
  @HttpCode(200)
  @ApiOperation({ summary: 'Which route and policy an alert with these labels takes, and who would be paged at each level now (or at `at`)' })
  @ApiBody({ schema: openApi(routeTestSchema, 'input') })
  @ApiResponse({ status: 200, description: 'The route, the policy and the people per level' })
  @ApiResponse({ status: 400, description: 'Invalid labels or time', schema: ERROR })
  routeTest(@Body(new ZodPipe(routeTestSchema, 'route test')) body: z.output<typeof routeTestSchema>) {
    return testRoute(this.oncall.current(), body.labels, body.at ?? this.clock.now());
  }
}
