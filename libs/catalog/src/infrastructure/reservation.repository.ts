import { Injectable } from '@nestjs/common';
import { entityManagerOf, type Transaction } from '@shop/platform';
import type { Reservation } from '../domain/reservation.js';
import type { ReservationRepository } from '../application/ports/reservation.repository.port.js';
import { ReservationEntity } from './reservation.entity.js';
import { ReservationMapper } from './reservation.mapper.js';

@Injectable()
export class TypeOrmReservationRepository implements ReservationRepository {
  async findForUpdate(tx: Transaction, orderId: string): Promise<Reservation | null> {
    // A row lock cannot guard a row that does not exist yet; a transaction-scoped advisory lock on the order can.
    await entityManagerOf(tx).query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`catalog.reservations:${orderId}`]);
    const entity = await entityManagerOf(tx).findOneBy(ReservationEntity, { orderId });
    return entity ? ReservationMapper.toDomain(entity) : null;
  }

  async insert(tx: Transaction, reservation: Reservation): Promise<void> {
    await entityManagerOf(tx).insert(ReservationEntity, ReservationMapper.toPersistence(reservation, new Date()));
  }

  async save(tx: Transaction, reservation: Reservation): Promise<void> {
    const { orderId, status, lines } = reservation.snapshot();
    await entityManagerOf(tx).update(ReservationEntity, { orderId }, { status, lines, updatedAt: new Date() });
  }
}
