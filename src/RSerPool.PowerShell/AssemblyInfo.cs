using System;

// The cmdlet layer is not CLS-bound (it exposes uint identifiers as RFC 5352 defines them).
[assembly: CLSCompliant(false)]
