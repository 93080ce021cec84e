import { Injectable } from '@nestjs/common';

export const fine = Injectable;
