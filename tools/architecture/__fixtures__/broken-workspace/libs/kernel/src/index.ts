import { Beta } from '@fx/beta';

export const kernel = Beta;
