import { Reservation } from '../domain/reservation.js';
import { ReservationEntity } from './reservation.entity.js';

export const ReservationMapper = {
  toDomain(entity: ReservationEntity): Reservation {
    return Reservation.restore({ orderId: entity.orderId, status: entity.status, lines: entity.lines });
  },

  toPersistence(reservation: Reservation, now: Date): ReservationEntity {
    return Object.assign(new ReservationEntity(), reservation.snapshot(), { createdAt: now, updatedAt: now });
  },
};
