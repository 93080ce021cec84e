import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ReservationLine, ReservationStatus } from '../domain/reservation.js';

@Entity({ schema: 'catalog', name: 'reservations' })
export class ReservationEntity {
  @PrimaryColumn('uuid', { name: 'order_id' })
  orderId: string;

  @Column('text')
  status: ReservationStatus;

  @Column('jsonb')
  lines: ReservationLine[];

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt: Date;
}
