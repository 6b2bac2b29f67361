// Seat layouts as data: checks a posted layout as a whole (check-layout.ts, shared with the web app's
// layout editor) and flattens it into the seats to store, or refuses it with every problem listed.
import { AppError } from '../../http/errors.ts';
import { checkLayout, type ValidLayout } from './check-layout.ts';
import type { LayoutIn } from './schemas.ts';

export { checkLayout, type LayoutProblem, type LayoutSeat, MAX_COORD, MAX_SEATS, seatLabel, type ValidLayout } from './check-layout.ts';

/** The normalised layout, or 400 invalid_layout with `problems` listing everything wrong. */
export function validateLayout(input: LayoutIn): ValidLayout {
  const { layout, problems } = checkLayout(input);
  if (!layout) {
    throw new AppError('invalid_layout', `The layout has ${problems.length} problem(s): ${problems[0].problem}`, {
      problems,
    });
  }
  return layout;
}
