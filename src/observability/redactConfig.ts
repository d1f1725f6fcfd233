const SECRET_KEYS = /secret|key|token|password|apikey/i;

/** A copy of a config object that is safe to log: secret-looking fields are replaced. */
export function redactConfig<T extends object>(config: T): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(config).map(([k, v]) => {
      if (SECRET_KEYS.test(k) && typeof v === 'string') return [k, v ? '[redacted]' : ''];
      if (v && typeof v === 'object' && !Array.isArray(v)) return [k, redactConfig(v as object)];
      return [k, v];
    }),
  );
}
