import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentUser, PageQuery, UuidParamPipe, validationProblem, type AuthenticatedUser } from '@shop/platform';
import { ContextGateway } from '@shop/strangler';
import { CancelOrder } from '../application/commands/cancel-order/cancel-order.command.js';
import { PlaceOrder } from '../application/commands/place-order/place-order.command.js';
import type { OrderPage, OrderView } from '../application/order.view.js';
import { GetOrder } from '../application/queries/get-order/get-order.query.js';
import { ListOrders } from '../application/queries/list-orders/list-orders.query.js';
import { OrderNotFoundError } from '../domain/order.errors.js';
import { OrderPageResponseDto, OrderResponseDto } from './dto/order.response.dto.js';
import { PlaceOrderRequestDto } from './dto/place-order.request.dto.js';

const MAX_IDEMPOTENCY_KEY_LENGTH = 128;

@ApiTags('orders')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'missing, invalid or expired token' })
@Controller('orders')
export class OrdersHttpController {
  /** Served here or by order-service, as the strangler's route for ordering says. */
  constructor(private readonly ordering: ContextGateway) {}

  @Post()
  @ApiOperation({ summary: 'Place an order' })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: `<= ${MAX_IDEMPOTENCY_KEY_LENGTH} chars; a repeat returns the same order`,
  })
  @ApiCreatedResponse({ type: OrderResponseDto, description: 'placed; the saga settles it (CONFIRMED or REJECTED) shortly' })
  @ApiOkResponse({ type: OrderResponseDto, description: 'an Idempotency-Key replay: the order created the first time' })
  @ApiBadRequestResponse({ description: 'invalid body or Idempotency-Key' })
  @ApiUnprocessableEntityResponse({ description: 'unknown productId, or an Idempotency-Key reused with a different body' })
  async place(
    @CurrentUser() user: AuthenticatedUser,
    @Body() body: PlaceOrderRequestDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<OrderView> {
    if (idempotencyKey !== undefined && (idempotencyKey.length === 0 || idempotencyKey.length > MAX_IDEMPOTENCY_KEY_LENGTH)) {
      throw validationProblem([{ field: 'Idempotency-Key', message: `must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters` }]);
    }
    const items = body.items.map(({ productId, quantity }) => ({ productId, quantity }));
    const { order, created } = await this.ordering.command(new PlaceOrder(user, items, idempotencyKey));
    response.status(created ? 201 : 200);
    return order;
  }

  @Get()
  @ApiOperation({ summary: "List the caller's orders" })
  @ApiOkResponse({ type: OrderPageResponseDto, description: "the caller's orders, newest first" })
  list(@CurrentUser() user: AuthenticatedUser, @Query() page: PageQuery): Promise<OrderPage> {
    return this.ordering.query(new ListOrders(user, page.limit, page.offset));
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get an order' })
  @ApiOkResponse({ type: OrderResponseDto })
  @ApiNotFoundResponse({ description: 'no such order, or it belongs to someone else' })
  get(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', new UuidParamPipe((id) => new OrderNotFoundError(id))) id: string,
  ): Promise<OrderView> {
    return this.ordering.query(new GetOrder(user, id));
  }

  @Post(':id/cancel')
  @ApiOperation({ summary: 'Cancel an order' })
  @HttpCode(200)
  @ApiOkResponse({ type: OrderResponseDto, description: 'CANCELLED; stock is released and a captured payment refunded' })
  @ApiNotFoundResponse({ description: 'no such order, or it belongs to someone else' })
  @ApiConflictResponse({ description: 'the order is already REJECTED or CANCELLED' })
  cancel(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', new UuidParamPipe((id) => new OrderNotFoundError(id))) id: string,
  ): Promise<OrderView> {
    return this.ordering.command(new CancelOrder(user, id));
  }
}
