import { AppError } from '../../../../common/errors';
import { MAX_PAGE_SIZE, validatePageSize } from './my-payments';

describe('validatePageSize', () => {
  it.each([1, 20, MAX_PAGE_SIZE])('accepts %p', (n) => {
    expect(validatePageSize(n)).toBe(n);
  });

  it.each([0, -1, MAX_PAGE_SIZE + 1, 2.5, Number.NaN, '10', null])('refuses %p with INVALID_PAGE_SIZE', (n) => {
    let caught: unknown;
    try {
      validatePageSize(n);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(AppError);
    expect((caught as AppError).code).toBe('INVALID_PAGE_SIZE');
    expect((caught as AppError).status).toBe(400);
  });
});
