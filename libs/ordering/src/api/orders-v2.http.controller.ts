import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
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
import {
  CountedApi,
  CurrentUser,
  CursorPageQuery,
  encodeCursor,
  positionAfter,
  UuidParamPipe,
  type AuthenticatedUser,
} from '@shop/platform';
import { ApiStranglerRoute, ContextGateway } from '@shop/strangler';
import { CancelOrder } from '../application/commands/cancel-order/cancel-order.command.js';
import { PlaceOrder } from '../application/commands/place-order/place-order.command.js';
import { GetOrder } from '../application/queries/get-order/get-order.query.js';
import { ListOrdersAfter } from '../application/queries/list-orders-after/list-orders-after.query.js';
import { OrderNotFoundError } from '../domain/order.errors.js';
import { orderingHttpConfig, type OrderingHttpConfig } from '../ordering-http.config.js';
import { OrderListV2ResponseDto, OrderV2ResponseDto, toOrderV2 } from './dto/order-v2.response.dto.js';
import { PlaceOrderRequestDto } from './dto/place-order.request.dto.js';
import { ApiIdempotencyKey, checkedIdempotencyKey, type StatusSettable } from './idempotency-key.js';

/**
 * /api/v2/orders: the same commands and queries as v1 (and the same strangler route), answered with
 * money as `{ amount, currency }` and the list by cursor instead of offset (ADR 0037).
 */
@ApiTags('orders')
@ApiBearerAuth()
@ApiStranglerRoute()
@ApiUnauthorizedResponse({ description: 'missing, invalid or expired token' })
@CountedApi('orders', 'v2')
@Controller({ path: 'orders', version: '2' })
export class OrdersV2HttpController {
  constructor(
    private readonly ordering: ContextGateway,
    @Inject(orderingHttpConfig.token) private readonly config: OrderingHttpConfig,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Place an order' })
  @ApiIdempotencyKey()
  @ApiCreatedResponse({ type: OrderV2ResponseDto, description: 'placed; the saga settles it (CONFIRMED or REJECTED) shortly' })
  @ApiOkResponse({ type: OrderV2ResponseDto, description: 'an Idempotency-Key replay: the order created the first time' })
  @ApiBadRequestResponse({ description: 'invalid body or Idempotency-Key' })
  @ApiUnprocessableEntityResponse({ description: 'unknown productId, or an Idempotency-Key reused with a different body' })
  async place(
    @CurrentUser() user: AuthenticatedUser,
    @Body() body: PlaceOrderRequestDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: StatusSettable,
  ): Promise<OrderV2ResponseDto> {
    const key = checkedIdempotencyKey(idempotencyKey);
    const items = body.items.map(({ productId, quantity }) => ({ productId, quantity }));
    const { order, created } = await this.ordering.command(new PlaceOrder(user, items, key));
    response.status(created ? 201 : 200);
    return toOrderV2(order, this.config.currency);
  }

  @Get()
  @ApiOperation({ summary: "List the caller's orders, newest first, a page at a time by cursor" })
  @ApiOkResponse({ type: OrderListV2ResponseDto, description: 'a page; orders placed meanwhile never shift the pages that follow' })
  @ApiBadRequestResponse({ description: 'a limit out of 1..100, or a cursor this API did not answer (edited, truncated)' })
  async list(@CurrentUser() user: AuthenticatedUser, @Query() page: CursorPageQuery): Promise<OrderListV2ResponseDto> {
    const { items, next } = await this.ordering.query(new ListOrdersAfter(user, page.limit, positionAfter(page)));
    return { items: items.map((order) => toOrderV2(order, this.config.currency)), nextCursor: next ? encodeCursor(next) : null };
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get an order' })
  @ApiOkResponse({ type: OrderV2ResponseDto })
  @ApiNotFoundResponse({ description: 'no such order, or it belongs to someone else' })
  async get(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', new UuidParamPipe((id) => new OrderNotFoundError(id))) id: string,
  ): Promise<OrderV2ResponseDto> {
    return toOrderV2(await this.ordering.query(new GetOrder(user, id)), this.config.currency);
  }

  @Post(':id/cancel')
  @ApiOperation({ summary: 'Cancel an order' })
  @HttpCode(200)
  @ApiOkResponse({ type: OrderV2ResponseDto, description: 'CANCELLED; stock is released and a captured payment refunded' })
  @ApiNotFoundResponse({ description: 'no such order, or it belongs to someone else' })
  @ApiConflictResponse({ description: 'the order is already REJECTED or CANCELLED' })
  async cancel(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', new UuidParamPipe((id) => new OrderNotFoundError(id))) id: string,
  ): Promise<OrderV2ResponseDto> {
    return toOrderV2(await this.ordering.command(new CancelOrder(user, id)), this.config.currency);
  }
}
