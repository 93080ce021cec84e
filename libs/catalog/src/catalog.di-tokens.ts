export const PRODUCT_REPOSITORY = Symbol('ProductRepository');
export const RESERVATION_REPOSITORY = Symbol('ReservationRepository');
