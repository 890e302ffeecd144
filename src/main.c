#include <stdio.h>
int main(void)
{
    puts("nianbao: under construction");
    return 0;
}
