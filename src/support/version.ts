/** The relay's version, as the OpenAPI document states it. */
export const RELAY_VERSION = '0.1.0';
