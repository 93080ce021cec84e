import { Global, Module } from '@nestjs/common';
import { ProblemCatalog } from './problem-catalog.js';

/** The process-wide ProblemCatalog; contexts add their mappers through BoundedContextModule. */
@Global()
@Module({ providers: [ProblemCatalog], exports: [ProblemCatalog] })
export class ProblemsModule {}
