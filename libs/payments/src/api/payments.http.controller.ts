import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBadRequestResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Role } from '@shop/contracts';
import { CurrentUser, type AuthenticatedUser } from '@shop/platform';
import { ListOrderPayments } from '../application/queries/list-order-payments/list-order-payments.query.js';
import { ListPaymentsRequestDto } from './dto/list-payments.request.dto.js';
import { PaymentListResponseDto } from './dto/payment-list.response.dto.js';

@ApiTags('payments')
@ApiBearerAuth()
@Controller('payments')
export class PaymentsHttpController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get()
  @ApiOperation({
    summary: "List an order's payments",
    description:
      'For the customer who owns the order, or an admin. An order has at most one payment. ' +
      'Anyone else gets an empty list, exactly as for an unknown order or one without payments, so the answer never tells ' +
      "whether someone else's order exists or has been paid.",
  })
  @ApiOkResponse({ type: PaymentListResponseDto })
  @ApiBadRequestResponse({ description: 'orderId missing or not a UUID, bad limit/offset, or an unknown query field (problem+json).' })
  @ApiUnauthorizedResponse({ description: 'No valid bearer token (problem+json).' })
  async list(@Query() query: ListPaymentsRequestDto, @CurrentUser() user: AuthenticatedUser): Promise<PaymentListResponseDto> {
    const viewer = { id: user.id, isAdmin: user.roles.includes(Role.Admin) };
    const page = await this.queryBus.execute(new ListOrderPayments(query.orderId, viewer, query.limit, query.offset));
    return PaymentListResponseDto.from(page);
  }
}
