/* The toolkit's version, printed by every program's --version. */
#ifndef GPT_VERSION_H
#define GPT_VERSION_H

#define GPT_VERSION "0.1.0"

#endif
