import { z } from 'zod';

/** The API returns numbers as JSON strings; its own spec examples show bare numbers. Accept both. */
const NumericString = z.union([z.string().regex(/^\d+$/), z.int().min(0)]).transform((v) => Number(v));

export const AccessTokenResponse = z.object({
  token_type: z.string(),
  expires_in: NumericString,
  ext_expires_in: NumericString.optional(),
  expires_on: NumericString.optional(),
  not_before: NumericString.optional(),
  resource: z.string().optional(),
  access_token: z.string().min(1),
});
export type AccessTokenResponse = z.infer<typeof AccessTokenResponse>;
