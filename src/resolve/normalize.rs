//! Name normalisation. (Placeholder.)
