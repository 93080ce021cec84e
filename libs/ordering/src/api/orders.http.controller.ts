import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { CountedApi, CurrentUser, PageQuery, UuidParamPipe, type AuthenticatedUser } from '@shop/platform';
import { ApiStranglerRoute, ContextGateway } from '@shop/strangler';
import { CancelOrder } from '../application/commands/cancel-order/cancel-order.command.js';
import { PlaceOrder } from '../application/commands/place-order/place-order.command.js';
import type { OrderPage, OrderView } from '../application/order.view.js';
import { GetOrder } from '../application/queries/get-order/get-order.query.js';
import { ListOrders } from '../application/queries/list-orders/list-orders.query.js';
import { OrderNotFoundError } from '../domain/order.errors.js';
import { OrderPageResponseDto, OrderResponseDto } from './dto/order.response.dto.js';
import { PlaceOrderRequestDto } from './dto/place-order.request.dto.js';
import { ApiIdempotencyKey, checkedIdempotencyKey, type StatusSettable } from './idempotency-key.js';

/**
 * /api/v1/orders, the base contract, exactly as written: money in integer cents, lists by offset.
 * Deprecated in favour of /api/v2/orders (ADR 0037): every answer says so in its headers (see
 * OrdersV1Deprecation), and calls are counted per client until none come any more.
 */
@ApiTags('orders')
@ApiBearerAuth()
@ApiStranglerRoute()
@ApiUnauthorizedResponse({ description: 'missing, invalid or expired token' })
@CountedApi('orders', 'v1')
@Controller({ path: 'orders', version: '1' })
export class OrdersHttpController {
  /** Served here or by order-service, as the strangler's route for ordering says. */
  constructor(private readonly ordering: ContextGateway) {}

  @Post()
  @ApiOperation({ summary: 'Place an order', deprecated: true })
  @ApiIdempotencyKey()
  @ApiCreatedResponse({ type: OrderResponseDto, description: 'placed; the saga settles it (CONFIRMED or REJECTED) shortly' })
  @ApiOkResponse({ type: OrderResponseDto, description: 'an Idempotency-Key replay: the order created the first time' })
  @ApiBadRequestResponse({ description: 'invalid body or Idempotency-Key' })
  @ApiUnprocessableEntityResponse({ description: 'unknown productId, or an Idempotency-Key reused with a different body' })
  async place(
    @CurrentUser() user: AuthenticatedUser,
    @Body() body: PlaceOrderRequestDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: StatusSettable,
  ): Promise<OrderView> {
    const key = checkedIdempotencyKey(idempotencyKey);
    const items = body.items.map(({ productId, quantity }) => ({ productId, quantity }));
    const { order, created } = await this.ordering.command(new PlaceOrder(user, items, key));
    response.status(created ? 201 : 200);
    return order;
  }

  @Get()
  @ApiOperation({ summary: "List the caller's orders", deprecated: true })
  @ApiOkResponse({ type: OrderPageResponseDto, description: "the caller's orders, newest first" })
  list(@CurrentUser() user: AuthenticatedUser, @Query() page: PageQuery): Promise<OrderPage> {
    return this.ordering.query(new ListOrders(user, page.limit, page.offset));
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get an order', deprecated: true })
  @ApiOkResponse({ type: OrderResponseDto })
  @ApiNotFoundResponse({ description: 'no such order, or it belongs to someone else' })
  get(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', new UuidParamPipe((id) => new OrderNotFoundError(id))) id: string,
  ): Promise<OrderView> {
    return this.ordering.query(new GetOrder(user, id));
  }

  @Post(':id/cancel')
  @ApiOperation({ summary: 'Cancel an order', deprecated: true })
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
