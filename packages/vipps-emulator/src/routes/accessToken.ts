import { createHash, timingSafeEqual } from 'node:crypto';
import { type FastifyPluginCallback } from 'fastify';
import { type EmulatorContext } from '../context';
import { faultResponse } from '../faults';
import { applyLatency, finish } from '../http/apiGuard';
import { jsonResponse, sendApiResponse } from '../http/apiResponse';
import { headerValue } from '../http/requestParsing';
import { accessTokenError } from '../problems';

/** Constant for every token, as in the real responses ("ignore this field"). */
const TOKEN_RESOURCE = '00000002-0000-0000-c000-000000000000';
const SYSTEM_HEADER_MAX = 30;

function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  // Hash first so the comparison takes the same time whatever the lengths.
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** `POST /accesstoken/get`: credentials in headers, no body; numbers in the answer are strings. */
export function accessTokenRoutes(ctx: EmulatorContext): FastifyPluginCallback {
  return (app, _opts, done) => {
    app.post('/accesstoken/get', { config: { api: 'accessToken', operation: 'accessToken' } }, async (request, reply) => {
      await applyLatency(ctx);
      const hit = ctx.faults.before('accessToken', undefined);
      if (hit) return sendApiResponse(reply, faultResponse('accessToken', hit, request.url));

      const now = new Date(ctx.clock.now());
      const deny = (error: string, description: string, code: number) =>
        sendApiResponse(reply, accessTokenError(401, error, description, code, now));
      const clientId = headerValue(request, 'client_id');
      // With sales units, the key set of this client id (several units may share it: partner keys).
      const keySetUnits = ctx.config.units?.filter((u) => sameSecret(clientId, u.credentials.clientId));
      const credentials = keySetUnits?.[0]?.credentials ?? ctx.config.credentials;
      const msnsOfClient = keySetUnits ? keySetUnits.map((u) => u.msn) : ctx.acceptedMsns;
      const subscriptionKey = headerValue(request, 'Ocp-Apim-Subscription-Key');
      const msn = headerValue(request, 'Merchant-Serial-Number');

      for (const name of ['Vipps-System-Name', 'Vipps-System-Version', 'Vipps-System-Plugin-Name', 'Vipps-System-Plugin-Version']) {
        const value = headerValue(request, name);
        if (value !== undefined && value.length > SYSTEM_HEADER_MAX) {
          return sendApiResponse(
            reply,
            accessTokenError(400, 'invalid_request', `${name} must be at most ${SYSTEM_HEADER_MAX} characters.`, 900_144, now),
          );
        }
      }
      if (!clientId || !headerValue(request, 'client_secret')) {
        return deny('invalid_request', 'The request must carry the client_id and client_secret headers.', 900_144);
      }
      if (!sameSecret(clientId, credentials.clientId)) {
        return deny('unauthorized_client', 'The client_id is not known to this environment.', 700_016);
      }
      if (!sameSecret(headerValue(request, 'client_secret'), credentials.clientSecret)) {
        return deny('invalid_client', 'Invalid client secret provided.', 7_000_215);
      }
      if (!sameSecret(subscriptionKey, credentials.subscriptionKey)) {
        return deny('invalid_client', 'The Ocp-Apim-Subscription-Key is missing or does not belong to this client.', 7_000_222);
      }
      if (msn !== undefined && !msnsOfClient.includes(msn)) {
        return deny('unauthorized_client', 'The Merchant-Serial-Number does not belong to these credentials.', 700_016);
      }

      const { token, claims } = ctx.tokens.issue({ clientId, subscriptionKey: credentials.subscriptionKey, msn });
      const ttl = String(claims.exp - claims.iat);
      const body = {
        token_type: 'Bearer',
        expires_in: ttl,
        ext_expires_in: ttl,
        expires_on: String(claims.exp),
        not_before: String(claims.nbf),
        resource: TOKEN_RESOURCE,
        access_token: token,
      };
      return finish(ctx, request, reply, jsonResponse(200, body, 'application/json;charset=UTF-8'));
    });
    done();
  };
}
