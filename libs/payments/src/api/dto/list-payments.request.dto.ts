import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import { PageQuery } from '@shop/platform';

export class ListPaymentsRequestDto extends PageQuery {
  @ApiProperty({ format: 'uuid', description: 'The order whose payments to list.' })
  @IsUUID()
  orderId: string;
}
