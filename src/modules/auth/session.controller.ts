import { Body, Controller, Delete, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorDtoSchema, openApi, ZodPipe } from '../http/zod.pipe.js';
import { Public, RequirePermission } from './auth.decorators.js';
import { principalOf, requestSessionOf } from './principal.js';
import { SESSION_OPENAPI, signInSchema, type SessionDto, type SignIn } from './session.dto.js';
import { SessionService } from './session.service.js';

@ApiTags('session')
@Controller('api/session')
export class SessionController {
  constructor(private readonly sessions: SessionService) {}

  /** Public: the token in the body is the credential, checked here as the guard would check it. */
  @Post()
  @Public()
  @HttpCode(201)
  @ApiBody({ schema: SESSION_OPENAPI.signIn })
  signIn(@Body(new ZodPipe(signInSchema, 'sign-in')) body: SignIn, @Req() req: FastifyRequest, @Res({ passthrough: true }) res: FastifyReply): Promise<SessionDto> {
    return this.sessions.signIn(body.token, req, res);
  }

  @Get()
  @RequirePermission('read')
  @ApiOperation({ summary: 'Who is calling: name, role, permissions; for a web UI session also its CSRF token and expiry' })
  @ApiResponse({ status: 200, schema: SESSION_OPENAPI.session })
  whoAmI(@Req() req: FastifyRequest): SessionDto {
    return this.sessions.describe(principalOf(req)!, requestSessionOf(req));
  }

  @Delete()
  @RequirePermission('read')
  @HttpCode(204)
  @ApiOperation({ summary: 'Sign out: ends the web UI session and clears its cookie (a bearer caller has no session; 204 all the same)' })
  @ApiResponse({ status: 204, description: 'Signed out' })
  @ApiResponse({ status: 403, description: 'A session without its CSRF proof', schema: openApi(errorDtoSchema) })
  signOut(@Req() req: FastifyRequest, @Res({ passthrough: true }) res: FastifyReply): Promise<void> {
    return this.sessions.signOut(requestSessionOf(req), req, res);
  }
}
