#ifndef BF_CLIBEDIT_SHIM_H
#define BF_CLIBEDIT_SHIM_H
#include <stdio.h>
#include <histedit.h>
#endif
