// Each import below breaks a wall on purpose: the architecture test must report every one.
import { Beta } from '@fx/beta';
import { internal } from '@fx/kernel/src/internal';
import { secret } from '../../beta/src/secret';
import { fine } from './domain/order';
import { kernel } from '@fx/kernel';
import { fixture } from '@fx/testkit';
import { placeOrder } from './application/place-order';

export const alpha = [Beta, internal, secret, fine, kernel, fixture, placeOrder];
