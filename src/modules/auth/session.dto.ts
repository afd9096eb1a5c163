import { z } from 'zod';
import { PERMISSIONS, ROLES } from '../../core/auth/roles.js';
import { openApi } from '../http/zod.pipe.js';

export const signInSchema = z.strictObject({
  token: z.string({ error: 'an API token (vgl_…) is required' }).min(1, 'an API token (vgl_…) is required').max(200, 'too long for an API token'),
});
export type SignIn = z.infer<typeof signInSchema>;

const sessionSchema = z.object({
  name: z.string().describe("the token's name: who the audit log says acted"),
  role: z.enum(ROLES),
  permissions: z.array(z.enum(PERMISSIONS)).describe('what the role may do; the UI shows only the actions these allow'),
  via: z.enum(['session', 'bearer']).describe('session: the web UI cookie; bearer: an Authorization header'),
  csrfToken: z.string().nullable().describe('send as x-vigil-csrf with every request that changes something (session only)'),
  expiresAt: z.iso.datetime().nullable().describe('when the session ends (session only)'),
  serverTime: z.iso.datetime().describe("Vigil's clock as it answered: the web UI reckons ages from it, not from the browser's clock"),
});
export type SessionDto = z.infer<typeof sessionSchema>;

export const SESSION_OPENAPI = { session: openApi(sessionSchema), signIn: openApi(signInSchema, 'input') };
