// A spec may use the testing library: no violation here.
import { fixture } from '@fx/testkit';

export const used = fixture;
