/**
 * The API reference page (/docs) as this product's: its own title, wordmark and icon instead of
 * "Swagger UI" and Fastify's logo, which @fastify/swagger-ui puts there when given none. Drawn
 * here, so the page still needs nothing from the internet.
 */
export const API_REFERENCE_TITLE = 'Vipps MobilePay orders — API reference';

/** White on the top bar's dark grey, 40 px high as the plugin shows it. */
const WORDMARK_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="420" height="40" viewBox="0 0 420 40">
<rect x="0" y="4" width="32" height="32" rx="8" fill="#ff5b24"/>
<path d="M9 14h14M9 20h14M9 26h9" stroke="#fff" stroke-width="3" stroke-linecap="round"/>
<text x="44" y="26" font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif" fill="#fff"><tspan font-size="18" font-weight="700">Vipps MobilePay orders</tspan><tspan dx="12" font-size="15" fill="#d0d0d0">API reference</tspan></text>
</svg>`;

const ICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="8" fill="#ff5b24"/><path d="M9 10h14M9 16h14M9 22h9" stroke="#fff" stroke-width="3" stroke-linecap="round"/></svg>`;

// The top bar's "Explore" box loads any other document into the page: of no use for this one.
const CSS = '.swagger-ui .topbar .download-url-wrapper { display: none; } .swagger-ui .topbar a.link img { height: 40px; }';

export function apiReferenceUi() {
  return {
    logo: { type: 'image/svg+xml', content: Buffer.from(WORDMARK_SVG), href: '/docs', target: '_self' as const },
    theme: {
      title: API_REFERENCE_TITLE,
      css: [{ filename: 'product.css', content: CSS }],
      favicon: [{ filename: 'icon.svg', rel: 'icon', type: 'image/svg+xml', sizes: 'any', content: Buffer.from(ICON_SVG) }],
    },
  };
}
