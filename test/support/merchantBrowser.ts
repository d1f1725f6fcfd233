/**
 * The merchant pages as a browser uses them, over real HTTP: cookies kept and sent back, forms
 * read from the page they are on, every answer checked against the OpenAPI document.
 */
import type { OpenApiContract } from './openApiContract';

export interface PageAnswer {
  status: number;
  text: string;
  location: string | null;
}

export class MerchantBrowser {
  readonly cookies = new Map<string, string>();
  readonly setCookies: string[] = [];

  constructor(
    private readonly base: () => string,
    private readonly apiKey: string,
    private readonly contract?: () => OpenApiContract,
  ) {}

  async send(path: string, init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {}): Promise<PageAnswer> {
    const method = init.method ?? (init.form ? 'POST' : 'GET');
    const res = await fetch(`${this.base()}${path}`, {
      method,
      redirect: 'manual',
      headers: {
        ...(this.cookies.size > 0 && { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') }),
        ...(init.form && { 'content-type': 'application/x-www-form-urlencoded' }),
        ...init.headers,
      },
      ...(init.form && { body: new URLSearchParams(init.form).toString() }),
    });
    for (const c of res.headers.getSetCookie()) {
      this.setCookies.push(c);
      const [pair] = c.split(';');
      const [name, ...value] = pair!.split('=');
      if (value.join('=') === '') this.cookies.delete(name!);
      else this.cookies.set(name!, value.join('='));
    }
    const text = await res.text();
    this.contract?.().check({ method, path, status: res.status, contentType: res.headers.get('content-type'), body: text });
    return { status: res.status, text, location: res.headers.get('location') };
  }

  async logIn(key = this.apiKey): Promise<PageAnswer> {
    const form = await this.send('/merchant/login?next=/merchant');
    return this.send('/merchant/login', { form: { _csrf: fieldOf(form.text, '_csrf'), next: '/merchant', key } });
  }

  /** Sends the form that posts to `action` on `page`, with its hidden fields and `fields` filled in, and follows the redirect. */
  async submit(page: string, action: string, fields: Record<string, string> = {}): Promise<{ posted: PageAnswer; landed: PageAnswer }> {
    const form: Record<string, string> = { _csrf: fieldOf(page, '_csrf', action), ...fields };
    for (const name of ['shipmentId', 'refundId', 'alert']) {
      const value = optionalFieldOf(page, name, action);
      if (value !== undefined && form[name] === undefined) form[name] = value;
    }
    const posted = await this.send(action, { form });
    if (posted.status !== 303 || !posted.location) throw new Error(`POST ${action}: ${posted.status} ${posted.text.slice(0, 200)}`);
    return { posted, landed: await this.send(posted.location) };
  }
}

function formOf(html: string, within?: string): string {
  if (!within) return html;
  const after = html.split(`action="${within}"`)[1] ?? '';
  return after.split('</form>')[0] ?? '';
}

function optionalFieldOf(html: string, name: string, within?: string): string | undefined {
  const value = new RegExp(`name="${name}" value="([^"]*)"`).exec(formOf(html, within))?.[1];
  return value?.replace(/&amp;/g, '&').replace(/&quot;/g, '"');
}

/** A hidden field's value, from the whole page or from the form that posts to `within`. */
export function fieldOf(html: string, name: string, within?: string): string {
  const value = optionalFieldOf(html, name, within);
  if (value === undefined) throw new Error(`no ${name} field${within ? ` in the form to ${within}` : ''}`);
  return value;
}

/** The text of the element with `id`, tags dropped, entities and no-break spaces as plain text. */
export function textOf(html: string, id: string): string | undefined {
  const m = new RegExp(`<(\\w+)[^>]*\\bid="${id}"[^>]*>([\\s\\S]*?)</\\1>`).exec(html);
  return m ? plain(m[2]!) : undefined;
}

/** HTML as the words a person reads: tags dropped (cells and blocks apart), entities decoded, no-break spaces as spaces. */
export function plain(html: string): string {
  return html
    .replace(/<\/?(td|th|tr|p|div|dt|dd|li|h1|h2|br|table|footer)\b[^>]*>/g, ' ')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\u00a0/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}
