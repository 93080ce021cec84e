import { Injectable } from '@nestjs/common';
import { placeOrder } from '../application/place-order';
import { rule } from './rule';

export const fine = [Injectable, placeOrder, rule];
