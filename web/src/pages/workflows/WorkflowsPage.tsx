import { AreaPlaceholder } from '../../components/AreaPlaceholder';
import { AREAS } from '../../navigation';

export function WorkflowsPage() {
  return <AreaPlaceholder area={AREAS.workflows} />;
}
