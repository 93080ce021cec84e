import { Controller, Get, Inject, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { Role } from '@shop/contracts';
import { Roles } from '../auth/decorators.js';
import { PageQuery, type Page } from '../http/pagination.js';
import { ApiUsageLedger, type ApiUsageRecord } from './api-usage.ledger.js';

class ApiUsageQueryDto extends PageQuery {
  @ApiPropertyOptional({ example: 'v1', description: 'one version only' })
  @IsOptional()
  @Matches(/^v[1-9][0-9]{0,2}$/, { message: 'version must read v1, v2, ...' })
  version?: string;

  @ApiPropertyOptional({ example: 'orders', description: 'one API only' })
  @IsOptional()
  @Matches(/^[a-z][a-z0-9-]{0,40}$/, { message: 'api must be a lower-case name such as orders' })
  api?: string;
}

class ApiUsageRecordDto implements ApiUsageRecord {
  @ApiProperty({ example: 'orders' }) api: string;
  @ApiProperty({ example: 'v1' }) version: string;
  @ApiProperty({ description: "the caller's token subject (user id)" }) clientId: string;
  @ApiProperty({ format: 'date-time' }) firstSeen: string;
  @ApiProperty({ format: 'date-time', description: 'its last call' }) lastSeen: string;
  @ApiProperty() calls: number;
}

class ApiUsagePageDto implements Page<ApiUsageRecord> {
  @ApiProperty({ type: [ApiUsageRecordDto] }) items: ApiUsageRecordDto[];
  @ApiProperty() total: number;
  @ApiProperty() limit: number;
  @ApiProperty() offset: number;
}

@ApiTags('admin')
@ApiBearerAuth()
@Roles(Role.Admin)
@ApiForbiddenResponse({ description: 'not an admin' })
@Controller('admin/api-usage')
export class ApiUsageController {
  constructor(@Inject(ApiUsageLedger) private readonly ledger: ApiUsageLedger) {}

  @Get()
  @ApiOperation({ summary: 'Who calls which API version, and when last: whether a deprecated version can go' })
  @ApiOkResponse({ type: ApiUsagePageDto, description: "every instance's counts as of its last flush, this instance's up to now" })
  async list(@Query() query: ApiUsageQueryDto): Promise<Page<ApiUsageRecord>> {
    await this.ledger.flush();
    return this.ledger.list({ api: query.api, version: query.version }, query);
  }
}
