import { useNavigation } from 'react-router';

/** A thin bar along the top while the router loads the next page's data. */
export function PageProgress() {
  const navigation = useNavigation();
  if (navigation.state === 'idle') return null;
  return <div className="page-progress" role="progressbar" aria-label="Loading page" />;
}
