// Every e2e file closes the Cassandra session the helpers opened for it, so jest can exit.
import { closeCassandra } from './stack';

afterAll(closeCassandra);
