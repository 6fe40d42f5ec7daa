/** The `browserInfo` the script sends from the test browser (1280×800, en-GB, desktop). */
export function browserInfo(url: string, referrer?: string): Record<string, unknown> {
  return {
    url,
    ...(referrer === undefined ? {} : { referrer }),
    language: 'en-GB',
    screenWidth: 1280,
    screenHeight: 800,
    windowWidth: 1280,
    windowHeight: 800,
    device: 'desktop',
  };
}

/** A product as the script sends it, with the fields every test product has. */
export function product(productId: string, name: string, url: string, unitPrice: number, extra: Record<string, unknown> = {}) {
  return { productId, name, url, unitPrice, ...extra };
}
