import type { QueryClient } from '@tanstack/react-query';
import { useEffect, useRef, type FormEvent } from 'react';
import { redirect, useNavigate, useSearchParams, type LoaderFunctionArgs } from 'react-router';
import { Banner } from '../../ui/banner.tsx';
import { Button } from '../../ui/button.tsx';
import { TextField } from '../../ui/form-field.tsx';
import { sessionQueryOptions } from './get-session.ts';
import { signInErrorMessage } from './sign-in-errors.ts';
import { safeReturnTo } from './sign-in-redirect.ts';
import { useSignIn } from './sign-in.ts';
import './sign-in.css';

export function signInLoader(queryClient: QueryClient) {
  return async ({ request }: LoaderFunctionArgs) => {
    // Always ask the server: after a sign-out or an expired session the cached token is dead.
    const session = await queryClient.fetchQuery({ ...sessionQueryOptions, staleTime: 0 });
    if (session.user) throw redirect(safeReturnTo(new URL(request.url).searchParams.get('returnTo')));
    return null;
  };
}

export function SignInPage() {
  const signIn = useSignIn();
  const navigate = useNavigate();
  const [searchParams] = useSearchParams();
  const returnTo = safeReturnTo(searchParams.get('returnTo'));
  const errorRef = useRef<HTMLDivElement>(null);

  // The button is busy (so disabled) while signing in, which drops focus to the document: each failure takes it
  // to what went wrong instead, read out, with the form right after it.
  useEffect(() => {
    if (signIn.error) errorRef.current?.focus();
  }, [signIn.error]);

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    signIn.mutate(
      { email: String(form.get('email') ?? '').trim(), password: String(form.get('password') ?? '') },
      { onSuccess: () => void navigate(returnTo, { replace: true }) },
    );
  }

  return (
    <main className="screen-center">
      <title>Sign in · Snipdesk</title>
      <div className="panel">
        <p className="sign-in__brand" aria-hidden="true">
          Snipdesk
        </p>
        <h1 className="sign-in__title">Sign in to Snipdesk</h1>
        <p className="sign-in__lead">Your team&rsquo;s snippets, in one place.</p>
        {signIn.error && (
          <div ref={errorRef} tabIndex={-1}>
            <Banner tone="error">{signInErrorMessage(signIn.error)}</Banner>
          </div>
        )}
        <form className="sign-in__form" onSubmit={handleSubmit}>
          <TextField label="Email" name="email" type="email" autoComplete="username" required autoFocus />
          <TextField label="Password" name="password" type="password" autoComplete="current-password" required />
          <Button type="submit" variant="primary" pending={signIn.isPending} className="button--block">
            Sign in
          </Button>
        </form>
      </div>
    </main>
  );
}
