// The customer's city, remembered between visits.
import { createStore } from './store.ts';

const KEY = 'cinema.city';
const saved = Number(localStorage.getItem(KEY));
export const city = createStore<number | null>(Number.isInteger(saved) && saved > 0 ? saved : null);
city.subscribe((id) => (id ? localStorage.setItem(KEY, String(id)) : localStorage.removeItem(KEY)));
