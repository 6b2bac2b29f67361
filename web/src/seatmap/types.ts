// The seat map as GET /screenings/{id}/seats and the live socket send it.
export type SeatStatus = 'available' | 'held' | 'sold' | 'blocked';
export type SeatType = 'regular' | 'vip' | 'couple' | 'wheelchair' | 'companion';

export interface Seat {
  id: number;
  label: string;
  row: string;
  number: number;
  type: SeatType;
  x: number;
  y: number;
  status: SeatStatus;
  price: number;
  pair_seat_id?: number;
  companion_for_seat_id?: number;
}

export interface SeatMap {
  screening_id: number;
  version: number;
  on_sale: boolean;
  currency: string;
  hall: { id: number; name: string; screen_type: string | null; screen: string; aisles: number[] };
  counts: { available: number; held: number; sold: number; blocked: number };
  seats: Seat[];
}

export interface SeatDelta {
  type: 'delta';
  screening_id: number;
  from: number;
  version: number;
  seats: { id: number; status: SeatStatus }[];
}
