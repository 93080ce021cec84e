export const fixture = 'test data';
