import type { Page } from 'playwright-core';

/**
 * Signs a browser page in as the first citizen the demo OneID page lists (clicking through it, as a person
 * would), and leaves it on the citizen home once the signed-in header shows.
 */
export async function signInFirstDemoCitizen(page: Page, baseUrl: string): Promise<void> {
  await page.goto(`${baseUrl}/citizen`);
  await page.getByRole('link', { name: 'OneID orqali kirish' }).click();
  await page.waitForURL(/demo-idp/);
  await page.locator('li button').first().click();
  await page.waitForURL((url) => !url.pathname.startsWith('/demo-idp'));
  await page.goto(`${baseUrl}/citizen`);
  await page.locator('.account').waitFor();
}
