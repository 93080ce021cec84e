import { ApiProperty } from '@nestjs/swagger';
import { PageQuery, UuidField } from '@shop/platform';

export class ListPaymentsRequestDto extends PageQuery {
  @ApiProperty({ format: 'uuid', description: 'The order whose payments to list (any case).' })
  @UuidField()
  orderId: string;
}
