// Each import below breaks a wall on purpose: the architecture test must report every one.
import { Beta } from '@fx/beta';
import { internal } from '@fx/kernel/src/internal';
import { secret } from '../../beta/src/secret';
import { fine } from './domain/order';
import { kernel } from '@fx/kernel';

export const alpha = [Beta, internal, secret, fine, kernel];
