import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Role } from '@shop/contracts';
import { PageQuery, Public, Roles, UuidParamPipe, validationProblem } from '@shop/platform';
import { CreateProduct } from '../application/commands/create-product/create-product.command.js';
import { UpdateProduct } from '../application/commands/update-product/update-product.command.js';
import { GetProduct } from '../application/queries/get-product/get-product.query.js';
import { ListProducts } from '../application/queries/list-products/list-products.query.js';
import { ProductNotFoundError } from '../domain/catalog.errors.js';
import { CreateProductRequestDto } from './dto/create-product.request.dto.js';
import { ProductPageResponseDto, ProductResponseDto } from './dto/product.response.dto.js';
import { UpdateProductRequestDto } from './dto/update-product.request.dto.js';

const NOT_FOUND = 'No product has this id (an id that is not a UUID names no product either).';
const INVALID = 'Validation failed; `errors` names every bad field. Unknown fields are rejected.';

@ApiTags('catalog')
@Controller('products')
export class ProductsHttpController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly queryBus: QueryBus,
  ) {}

  @Public()
  @Get()
  @ApiOperation({
    summary: 'List products',
    description: 'Public. Ordered by sku, then id; paged with limit (1..100, default 20) and offset (>= 0).',
  })
  @ApiOkResponse({ type: ProductPageResponseDto })
  @ApiBadRequestResponse({ description: 'limit or offset out of range or not a whole number.' })
  list(@Query() query: PageQuery): Promise<ProductPageResponseDto> {
    return this.queryBus.execute(new ListProducts(query.limit, query.offset));
  }

  @Public()
  @Get(':id')
  @ApiOperation({ summary: 'Get a product', description: 'Public.' })
  @ApiOkResponse({ type: ProductResponseDto })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  get(@Param('id', new UuidParamPipe((id) => new ProductNotFoundError(id))) id: string): Promise<ProductResponseDto> {
    return this.queryBus.execute(new GetProduct(id));
  }

  @Roles(Role.Admin)
  @ApiBearerAuth()
  @Post()
  @ApiOperation({ summary: 'Create a product', description: 'Admin only. Announced as ProductCreatedV1.' })
  @ApiCreatedResponse({ type: ProductResponseDto })
  @ApiBadRequestResponse({ description: INVALID })
  @ApiUnauthorizedResponse({ description: 'No valid token.' })
  @ApiForbiddenResponse({ description: 'Not an admin.' })
  @ApiConflictResponse({ description: 'The sku is taken (compared case-insensitively).' })
  create(@Body() body: CreateProductRequestDto): Promise<ProductResponseDto> {
    return this.commandBus.execute(new CreateProduct(body.sku, body.name, body.priceCents, body.stock));
  }

  @Roles(Role.Admin)
  @ApiBearerAuth()
  @Patch(':id')
  @ApiOperation({
    summary: 'Change a product',
    description: 'Admin only. Changes the fields given (at least one); a different price is announced as ProductPriceChangedV1.',
  })
  @ApiOkResponse({ type: ProductResponseDto })
  @ApiBadRequestResponse({ description: `${INVALID} An empty body is refused too.` })
  @ApiUnauthorizedResponse({ description: 'No valid token.' })
  @ApiForbiddenResponse({ description: 'Not an admin.' })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  update(
    @Param('id', new UuidParamPipe((id) => new ProductNotFoundError(id))) id: string,
    @Body() body: UpdateProductRequestDto,
  ): Promise<ProductResponseDto> {
    assertSomethingToChange(body);
    const { name, priceCents, stock } = body;
    return this.commandBus.execute(new UpdateProduct(id, { name, priceCents, stock }));
  }
}

const UPDATABLE_FIELDS = ['name', 'priceCents', 'stock'] as const;

function assertSomethingToChange(body: UpdateProductRequestDto): void {
  if (UPDATABLE_FIELDS.some((field) => body[field] !== undefined)) return;
  throw validationProblem(
    UPDATABLE_FIELDS.map((field) => ({ field, message: 'at least one of name, priceCents and stock must be given' })),
  );
}
