import { Body, Controller, Get, Ip, Module, Post, Query } from '@nestjs/common';
import { IsInt, IsString, Max, MaxLength, Min } from 'class-validator';
import { CurrentUser, IsPlainText, PageQuery, Public, Roles, type AuthenticatedUser } from '@shop/platform';

class EchoBody {
  @IsString()
  @MaxLength(20)
  @IsPlainText()
  name: string;

  @IsInt()
  @Min(1)
  @Max(100)
  quantity: number;
}

/** Routes that exist only in tests, to exercise the platform's HTTP conventions end to end. */
@Controller('probe')
class ProbeController {
  @Public()
  @Get('public')
  publicRoute() {
    return { ok: true };
  }

  @Get('protected')
  protectedRoute(@CurrentUser() user: AuthenticatedUser) {
    return { user };
  }

  @Roles('admin')
  @Get('admin')
  adminRoute() {
    return { admin: true };
  }

  @Public()
  @Post('echo')
  echo(@Body() body: EchoBody) {
    return body;
  }

  @Public()
  @Get('client-address')
  clientAddress(@Ip() address: string) {
    return { address };
  }

  @Public()
  @Get('page')
  page(@Query() query: PageQuery) {
    return { limit: query.limit, offset: query.offset };
  }

  @Public()
  @Get('boom')
  boom(): never {
    throw new Error('secret internal detail');
  }
}

@Module({ controllers: [ProbeController] })
export class ProbeModule {}
