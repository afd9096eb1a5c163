import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiExcludeEndpoint, ApiExtension, ApiResponse } from '@nestjs/swagger';
import { PERMISSION_MEANING, type Permission } from '../../core/auth/roles.js';
import { AUTH_ERROR_SCHEMA } from './auth.errors.js';

/** The OpenAPI security scheme name (DocumentBuilder.addBearerAuth in app.module.ts). */
export const BEARER_SCHEME = 'bearer';
/** Each operation's permission, in the OpenAPI document, for clients and for the roles test. */
export const PERMISSION_EXTENSION = 'x-vigil-permission';

const PERMISSION_KEY = Symbol('vigil:permission');
const PUBLIC_KEY = Symbol('vigil:public');

/**
 * Marks one handler with the one permission it needs, and documents it: bearer security, the
 * x-vigil-permission extension, and the 401 and 403 answers. A handler can declare only one
 * permission, or be public; both mistakes fail at start-up, where they cannot be missed.
 */
export function RequirePermission(permission: Permission): MethodDecorator {
  return applyDecorators(
    mark(PERMISSION_KEY, permission),
    ApiBearerAuth(BEARER_SCHEME),
    ApiExtension(PERMISSION_EXTENSION, permission),
    ApiResponse({ status: 401, description: 'No bearer token, or a wrong, revoked or expired one', schema: AUTH_ERROR_SCHEMA }),
    ApiResponse({ status: 403, description: `The token's role lacks '${permission}' (${PERMISSION_MEANING[permission]})`, schema: AUTH_ERROR_SCHEMA }),
  );
}

/**
 * For probes and scrapes only (/healthz, /readyz, /metrics): no token. Left out of the OpenAPI
 * document, which describes the authenticated API; every operation in it needs a token.
 */
export function Public(): MethodDecorator {
  return applyDecorators(mark(PUBLIC_KEY, true), ApiExcludeEndpoint());
}

function mark(key: symbol, value: unknown): MethodDecorator {
  return (_target, property, descriptor) => {
    const handler = descriptor.value as object;
    if (Reflect.hasMetadata(PERMISSION_KEY, handler) || Reflect.hasMetadata(PUBLIC_KEY, handler)) {
      throw new Error(`${String(property)}: an operation declares exactly one of @RequirePermission(…) and @Public(), once`);
    }
    Reflect.defineMetadata(key, value, handler);
    return descriptor;
  };
}

/** What a handler declared: a permission, 'public', or nothing (a bug the guard refuses). */
export function declaredAccess(handler: object): Permission | 'public' | undefined {
  if (Reflect.getMetadata(PUBLIC_KEY, handler) === true) return 'public';
  return Reflect.getMetadata(PERMISSION_KEY, handler) as Permission | undefined;
}
