// The wire format of docs/integration.md §4, as the script builds it.

/** A JSON object whose keys the script does not restrict (custom fields, extra event fields). */
export type Fields = Record<string, unknown>;

/** A product as sent: `productId`, `name`, `url`, `unitPrice` are always there. */
export interface Product extends Fields {
  productId: string;
  name: string;
  url: string;
  unitPrice: number;
}

/** A cart or purchase line: a product plus what the customer takes. */
export interface BasketItem extends Product {
  quantity: number;
  price?: number;
}

export interface Cart extends Fields {
  cartId: string;
  totalQuantity?: number;
  totalPrice?: number;
  products: Fields[];
}

export interface StarlingEvent extends Fields {
  type: string;
}

export interface PageInfo {
  title?: string;
  categories?: string[];
  tags?: string[];
  keywords?: string[];
}

export interface BrowserInfo {
  url: string;
  referrer?: string;
  language?: string;
  screenWidth: number;
  screenHeight: number;
  windowWidth: number;
  windowHeight: number;
  device: 'desktop' | 'mobile';
}

/** The body of `POST {base}/collect/{token}`. */
export interface CollectRequest {
  entityInfo?: Fields;
  cart?: Fields;
  pushSubscription?: Fields;
  events?: StarlingEvent[];
  bannerPlaceholders?: { id: string }[];
  pageInfo?: PageInfo;
  browserInfo?: BrowserInfo;
}

/** The answer of `POST {base}/collect/{token}`. */
export interface CollectAnswer {
  trackerId?: unknown;
  webContents?: unknown;
  errors?: unknown;
}

/** The answer of `GET {base}/collect/{token}/config`. */
export interface ScriptConfig {
  includeUrls: string[];
  excludeUrls: string[];
  sampling: number;
  authorizedDomains: string[];
}
