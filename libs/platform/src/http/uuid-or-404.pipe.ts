import { Injectable, type PipeTransform } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { ProblemException } from './problem-details.js';

/**
 * For `:id` path parameters: an id that is not a UUID names nothing, so it is answered like any
 * unknown id (404) rather than reaching the database.
 */
@Injectable()
export class UuidOr404Pipe implements PipeTransform<string, string> {
  constructor(private readonly resource: string) {}

  transform(value: string): string {
    if (!isUUID(value)) throw ProblemException.of(404, 'not-found', `${this.resource} ${value} not found.`);
    return value;
  }
}
