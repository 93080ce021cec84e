export const rule = 'domain importing domain is fine';
