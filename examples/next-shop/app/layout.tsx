import type { ReactNode } from 'react';
import { ShopVitrine } from './shop-vitrine';

export const metadata = { title: 'Next Shop' };

export default function RootLayout({ children }: { children: ReactNode }): ReactNode {
  return (
    <html lang="en">
      <body>
        <header>
          <a href="/">Next Shop</a>
        </header>
        <ShopVitrine>
          <main>{children}</main>
        </ShopVitrine>
      </body>
    </html>
  );
}
