import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn } from 'class-validator';
import { ROLES, type Role } from '@shop/contracts';

export class ChangeRolesRequestDto {
  @ApiProperty({ enum: ROLES, isArray: true, minItems: 1, description: 'every role the user holds from now on' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(ROLES.length)
  @ArrayUnique()
  @IsIn(ROLES, { each: true })
  roles: Role[];
}
